/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The inputs of a form, each with its label, hint and errors. Errors are
 * tied to their input (aria-invalid, aria-describedby) so a screen reader
 * reads them with the field.
 */
import type { FieldSpec } from './fields.ts';
import type { FormState } from './read.ts';

function Input({ field, value, describedBy, invalid }: { field: FieldSpec; value: string; describedBy?: string; invalid: boolean }) {
  const common = {
    id: `field-${field.name}`,
    name: field.name,
    required: field.required,
    'aria-invalid': invalid ? 'true' : undefined,
    'aria-describedby': describedBy,
  };
  switch (field.widget) {
    case 'textarea':
    case 'lines':
      return (
        <textarea {...common} rows={field.widget === 'lines' ? 5 : 4} minlength={field.widget === 'lines' ? undefined : field.minLength} maxlength={field.widget === 'lines' ? undefined : field.maxLength}>
          {value}
        </textarea>
      );
    case 'checkbox':
      return <input {...common} type="checkbox" checked={value !== ''} required={false} />;
    case 'select':
      return (
        <select {...common}>
          {field.required ? '' : <option value="">—</option>}
          {field.choices!.map((choice) => (
            <option value={choice} selected={choice === value}>
              {choice}
            </option>
          ))}
        </select>
      );
    case 'number':
      return <input {...common} type="number" min={field.min} max={field.max} step={String(field.step ?? (field.integer ? 1 : 'any'))} value={value} />;
    default:
      return <input {...common} type={field.widget} value={value} minlength={field.minLength} maxlength={field.maxLength} />;
  }
}

export function FormFields({ fields, state }: { fields: readonly FieldSpec[]; state: FormState }) {
  return (
    <>
      {state.formErrors.length ? (
        <ul class="fl-error" role="alert">
          {state.formErrors.map((message) => (
            <li>{message}</li>
          ))}
        </ul>
      ) : (
        ''
      )}
      {fields.map((field) => {
        const errors = state.errors[field.name] ?? [];
        const hintId = field.hint ? `hint-${field.name}` : undefined;
        const errorId = errors.length ? `error-${field.name}` : undefined;
        const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
        const input = <Input field={field} value={state.raw[field.name] ?? ''} describedBy={describedBy} invalid={errors.length > 0} />;
        return (
          <div class={`fl-field fl-field-${field.widget}`}>
            {field.widget === 'checkbox' ? (
              <label>
                {input} {field.label}
              </label>
            ) : (
              <>
                <label for={`field-${field.name}`}>{field.label}</label>
                {input}
              </>
            )}
            {hintId ? (
              <span class="fl-hint" id={hintId}>
                {field.hint}
                {field.widget === 'lines' ? ' (one per line)' : ''}
              </span>
            ) : field.widget === 'lines' ? (
              <span class="fl-hint">One per line.</span>
            ) : (
              ''
            )}
            {errorId ? (
              <span class="fl-error" id={errorId}>
                {errors.join(' ')}
              </span>
            ) : (
              ''
            )}
          </div>
        );
      })}
    </>
  );
}
