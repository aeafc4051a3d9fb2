import { useId } from 'react';
import { Messages } from '../../components/forms.tsx';
import { OrderedListEditor } from '../../components/OrderedListEditor.tsx';
import type { ProxyFormPart } from './proxy-form.ts';

/** A list the engine checks item by item: its messages under each item (`path[i]`), and the list's own below it. */
export function ListFieldset({
  legend,
  hint,
  itemLabel,
  path,
  items,
  placeholder,
  addLabel,
  onChange,
  issuesAt,
}: {
  legend: string;
  hint: string;
  itemLabel: string;
  path: string;
  items: string[];
  placeholder: string;
  addLabel: string;
  onChange: (items: string[]) => void;
  issuesAt: ProxyFormPart['issuesAt'];
}) {
  const id = useId();
  return (
    <fieldset>
      <legend>{legend}</legend>
      <p className="hint">{hint}</p>
      <OrderedListEditor
        itemLabel={itemLabel}
        path={path}
        items={items}
        placeholder={placeholder}
        addLabel={addLabel}
        onChange={onChange}
        errorsAt={(index) => issuesAt(`${path}[${index}]`).errors}
      />
      <Messages id={`${id}-messages`} {...issuesAt(path)} />
    </fieldset>
  );
}
