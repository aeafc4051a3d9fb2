import { decodeUrlSchemes, parseChallenge } from '../../../../mock-server/protocol/challenge.ts';

/** One WWW-Authenticate value, parameter by parameter, UrlSchemes decoded. */
export function ChallengeTable({ value }: { value: string }) {
  const parsed = parseChallenge(value);
  if (!parsed) {
    return (
      <>
        <p className="field-error">Not a parseable challenge.</p>
        <pre className="code">{value}</pre>
      </>
    );
  }
  return (
    <>
      <table className="table kv-table" aria-label="Challenge parameters">
        <tbody>
          <tr>
            <th scope="row">scheme</th>
            <td className="mono">{parsed.scheme}</td>
          </tr>
          {parsed.ordered.map(([name, paramValue], i) => {
            const schemes = name === 'UrlSchemes' ? decodeUrlSchemes(paramValue) : null;
            return (
              <tr key={i}>
                <th scope="row" className="mono">
                  {name}
                </th>
                <td className="mono">
                  {paramValue}
                  {schemes && <pre className="code decoded">{JSON.stringify(schemes, null, 2)}</pre>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details>
        <summary className="small">Raw header</summary>
        <pre className="code">{value}</pre>
      </details>
    </>
  );
}
