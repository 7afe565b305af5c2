/** A destructive action's second step: what it does, then the action itself or Cancel. */
export function ConfirmGroup({
  label,
  explanation,
  action,
  busy = false,
  onConfirm,
  onCancel,
}: {
  label: string;
  explanation: string;
  action: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="confirm" role="group" aria-label={label}>
      <p>{explanation}</p>
      <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
        {action}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
