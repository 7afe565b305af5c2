import { CursorTracker } from './cursor-tracker';

describe('a resumable stream', () => {
  it('resumes from the last cursor it saw, and drops an event it already showed', () => {
    const tracker = new CursorTracker();
    expect(tracker.after).toBeUndefined();
    expect(tracker.accept('41')).toBe(true);
    expect(tracker.accept('42')).toBe(true);
    expect(tracker.after).toBe('42');
    expect(tracker.accept('42')).toBe(false);
    expect(tracker.after).toBe('42');
  });

  it('starts from the cursor it was given', () => {
    expect(new CursorTracker('0').after).toBe('0');
  });
});
