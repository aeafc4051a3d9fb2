/** A saved mode that status does not show, and the engine's reason when it gave one. */
export function NotRunningNotice({ what, reasons, testId }: { what: string; reasons: string[]; testId: string }) {
  return (
    <div className="banner banner-warn" role="note" data-testid={testId} style={{ marginBottom: 12 }}>
      <strong>{what} is configured but not running.</strong>{' '}
      {reasons.length > 0 ? (
        <ul>
          {reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : (
        'Save it again once what kept it from starting is fixed.'
      )}
    </div>
  );
}
