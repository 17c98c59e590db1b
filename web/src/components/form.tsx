import type { ComponentChildren, JSX } from 'preact';
import { type Message, messageText } from '../hooks';

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  /** error is a Message, so the app's own errors follow a language switch. */
  error?: Message;
}

function describedBy(p: FieldProps): string | undefined {
  const ids = [p.hint ? p.id + '-hint' : '', p.error ? p.id + '-error' : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Help(p: FieldProps) {
  return (
    <>
      {p.hint && (
        <p class="hint" id={p.id + '-hint'}>
          {p.hint}
        </p>
      )}
      {p.error && (
        <p class="field-error" id={p.id + '-error'} data-field-error={p.id} role="alert">
          {messageText(p.error)}
        </p>
      )}
    </>
  );
}

type InputProps = FieldProps & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label' | 'id'> & {
  value: string;
  onValue: (v: string) => void;
};

/** Input is a labelled text input with its hint and error. */
export function Input({ id, label, hint, error, value, onValue, ...rest }: InputProps) {
  return (
    <div class={'field' + (error ? ' has-error' : '')}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        value={value}
        onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy({ id, label, hint, error })}
        {...rest}
      />
      <Help id={id} label={label} hint={hint} error={error} />
    </div>
  );
}

type TextAreaProps = FieldProps & Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'label' | 'id'> & {
  value: string;
  onValue: (v: string) => void;
  counter?: string;
};

/** TextArea is a labelled multi-line input. */
export function TextArea({ id, label, hint, error, value, onValue, counter, ...rest }: TextAreaProps) {
  return (
    <div class={'field' + (error ? ' has-error' : '')}>
      <label for={id}>{label}</label>
      <textarea
        id={id}
        name={id}
        value={value}
        onInput={(e) => onValue((e.currentTarget as HTMLTextAreaElement).value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy({ id, label, hint, error })}
        {...rest}
      />
      {counter && <p class="hint counter">{counter}</p>}
      <Help id={id} label={label} hint={hint} error={error} />
    </div>
  );
}

/** Option is one choice of a Select or Choices. */
export interface Option {
  value: string;
  label: string;
}

type SelectProps = FieldProps & {
  value: string;
  onValue: (v: string) => void;
  options: Option[];
  placeholder?: string;
  required?: boolean;
};

/** Select is a labelled drop-down. */
export function Select({ id, label, hint, error, value, onValue, options, placeholder, required }: SelectProps) {
  return (
    <div class={'field' + (error ? ' has-error' : '')}>
      <label for={id}>{label}</label>
      <select
        id={id}
        name={id}
        value={value}
        required={required}
        onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy({ id, label, hint, error })}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Help id={id} label={label} hint={hint} error={error} />
    </div>
  );
}

type ChoicesProps = FieldProps & {
  value: string;
  onValue: (v: string) => void;
  options: Option[];
};

/** Choices is a labelled group of radio buttons, shown as large tappable rows. */
export function Choices({ id, label, hint, error, value, onValue, options }: ChoicesProps) {
  return (
    <fieldset
      class={'field choices' + (error ? ' has-error' : '')}
      id={id}
      aria-describedby={describedBy({ id, label, hint, error })}
    >
      <legend>{label}</legend>
      {options.map((o) => (
        <label class="choice" key={o.value}>
          <input
            type="radio"
            name={id}
            value={o.value}
            checked={value === o.value}
            onChange={() => onValue(o.value)}
          />
          <span>{o.label}</span>
        </label>
      ))}
      <Help id={id} label={label} hint={hint} error={error} />
    </fieldset>
  );
}

type CheckProps = FieldProps & { checked: boolean; onChecked: (v: boolean) => void };

/** Check is a labelled checkbox. */
export function Check({ id, label, hint, error, checked, onChecked }: CheckProps) {
  return (
    <div class={'field check' + (error ? ' has-error' : '')}>
      <label class="choice" for={id}>
        <input
          type="checkbox"
          id={id}
          name={id}
          checked={checked}
          onChange={(e) => onChecked((e.currentTarget as HTMLInputElement).checked)}
          aria-describedby={describedBy({ id, label, hint, error })}
        />
        <span>{label}</span>
      </label>
      <Help id={id} label={label} hint={hint} error={error} />
    </div>
  );
}

/** Notice is a status line: kind "error" is announced at once, others politely. */
export function Notice({ kind, children }: { kind: 'error' | 'ok' | 'info'; children: ComponentChildren }) {
  if (!children) return null;
  return (
    <div class={'notice notice-' + kind} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** focusFirstError moves focus to the first field marked invalid. */
export function focusFirstError(): void {
  // After the render that marks the fields (Preact renders in a microtask),
  // not at the next animation frame: a frame can come much later, and a
  // late focus() scrolls the page and takes the keys she is already typing
  // into another field.
  setTimeout(() => {
    const el = document.querySelector<HTMLElement>('[aria-invalid="true"], .has-error input, .has-error select');
    el?.focus();
  }, 0);
}
