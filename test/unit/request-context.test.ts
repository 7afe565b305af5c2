import type { EventsService } from '../../src/modules/events/events.service';
import type { AuthenticatedPrincipal } from '../../src/modules/principals/principals.service';
import { RequestContext } from '../../src/server/context';
import type { Loaders } from '../../src/server/loaders';

describe('a request context', () => {
  it('builds its loaders only when a resolver reads them, even once Apollo has copied it for the operation', () => {
    let built = 0;
    const context = new RequestContext({} as AuthenticatedPrincipal, {}, undefined, {} as EventsService, () => {
      built += 1;
      return {} as Loaders;
    });
    // What Apollo Server does with a context before each operation.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(context) as object), context) as RequestContext;
    expect(built).toBe(0);

    expect(copy.loaders).toBe(copy.loaders);
    expect(built).toBe(1);
    copy.renewLoaders();
    void copy.loaders;
    expect(built).toBe(2);
  });
});
