import { useEffect, useId, useRef, useState } from 'react';
import { Messages } from './forms.tsx';

export interface OrderedListEditorProps {
  /** Names the list for screen readers and in every control's label, e.g. "iOS URL scheme". */
  itemLabel: string;
  items: string[];
  onChange: (items: string[]) => void;
  errorsAt: (index: number) => string[];
  addLabel?: string;
  placeholder?: string;
  /** JSON path of the list in the config document; items are `<path>[i]`. */
  path: string;
}

type Focus = { index: number; control: 'input' | 'up' | 'down' | 'remove' } | { index: -1; control: 'new' };

/**
 * An ordered list of strings: edit in place, add, remove, and move up/down with buttons (so the
 * order is keyboard-operable). Focus follows the moved item.
 */
export function OrderedListEditor({ itemLabel, items, onChange, errorsAt, addLabel = 'Add', placeholder, path }: OrderedListEditorProps) {
  const [newItem, setNewItem] = useState('');
  /** Where focus goes once the change an action made has rendered. */
  const pendingFocus = useRef<Focus | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const newRef = useRef<HTMLInputElement>(null);
  const id = useId();

  // Every action changes the items or the new-item field, so a render follows it; focus moves after that render.
  useEffect(() => {
    const focus = pendingFocus.current;
    if (!focus) return;
    pendingFocus.current = null;
    if (focus.control === 'new') newRef.current?.focus();
    else {
      const row = listRef.current?.children[focus.index];
      const target =
        row?.querySelector<HTMLElement>(`[data-control="${focus.control}"]:not(:disabled)`) ?? row?.querySelector<HTMLElement>('input');
      target?.focus();
    }
  });

  const move = (from: number, to: number) => {
    const next = [...items];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange(next);
    pendingFocus.current = { index: to, control: to < from ? 'up' : 'down' };
  };
  const remove = (index: number) => {
    onChange(items.filter((_, i) => i !== index));
    pendingFocus.current =
      items.length > 1 ? { index: Math.min(index, items.length - 2), control: 'remove' } : { index: -1, control: 'new' };
  };
  const add = () => {
    const value = newItem.trim();
    if (value === '') return;
    onChange([...items, value]);
    setNewItem('');
    pendingFocus.current = { index: -1, control: 'new' };
  };

  return (
    <div>
      {items.length === 0 && <p className="hint">None.</p>}
      <ul className="list-editor" ref={listRef} aria-label={`${itemLabel}s`}>
        {items.map((item, index) => {
          const errors = errorsAt(index);
          const label = `${itemLabel} ${index + 1}`;
          return (
            <li key={index}>
              <div style={{ flex: 1 }}>
                <div className="row">
                  <input
                    type="text"
                    className="mono"
                    style={{ flex: 1 }}
                    value={item}
                    aria-label={label}
                    data-path={`${path}[${index}]`}
                    aria-invalid={errors.length > 0 ? true : undefined}
                    aria-describedby={`${id}-${index}`}
                    spellCheck={false}
                    onChange={(event) => onChange(items.map((v, i) => (i === index ? event.target.value : v)))}
                  />
                  <button
                    type="button"
                    className="icon"
                    data-control="up"
                    aria-label={`Move ${label} up`}
                    disabled={index === 0}
                    onClick={() => move(index, index - 1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon"
                    data-control="down"
                    aria-label={`Move ${label} down`}
                    disabled={index === items.length - 1}
                    onClick={() => move(index, index + 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="icon danger"
                    data-control="remove"
                    aria-label={`Remove ${label}`}
                    onClick={() => remove(index)}
                  >
                    ✕
                  </button>
                </div>
                <Messages id={`${id}-${index}`} errors={errors} />
              </div>
            </li>
          );
        })}
      </ul>
      <div className="row">
        <input
          ref={newRef}
          type="text"
          className="mono"
          style={{ flex: 1 }}
          value={newItem}
          placeholder={placeholder}
          aria-label={`New ${itemLabel}`}
          spellCheck={false}
          onChange={(event) => setNewItem(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              add();
            }
          }}
        />
        <button type="button" disabled={newItem.trim() === ''} onClick={add}>
          {addLabel}
        </button>
      </div>
    </div>
  );
}
