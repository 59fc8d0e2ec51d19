import type { FieldError } from '../errors.js';
import { type FormBody, formList, formText } from '../shared/form-body.js';
import { FIELD_TYPES } from './fields/index.js';
import type { FieldTypeName, FormField } from './form-definition.js';
import type { FieldInput } from './form-rules.js';

function numberField(body: FormBody, key: string, errors: FieldError[], integer: boolean): number | null {
  const raw = formText(body, key).replace(',', '.');
  if (!raw) return null;
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    errors.push({ field: key, code: integer ? 'whole_number' : 'number' });
    return null;
  }
  return value;
}

/**
 * Option rows `option.N.key` (hidden, for existing options), `option.N.label`, `option.N.position`
 * and `option.N.remove`, plus blank rows for new options (their key is made from the label).
 */
export function readOptions(body: FormBody): { key: string | null; label: string }[] {
  const rows: { key: string | null; label: string; position: number; index: number }[] = [];
  for (let index = 0; index < 200; index++) {
    if (!(`option.${index}.label` in body)) continue;
    const label = formText(body, `option.${index}.label`);
    const key = formText(body, `option.${index}.key`);
    if (formText(body, `option.${index}.remove`) || (!label && !key)) continue;
    const position = Number(formText(body, `option.${index}.position`));
    rows.push({
      key: key || null,
      label,
      position: formText(body, `option.${index}.position`) && Number.isFinite(position) ? position : 1000 + index,
      index,
    });
  }
  return rows.sort((a, b) => a.position - b.position || a.index - b.index).map(({ key, label }) => ({ key, label }));
}

/** The condition checkboxes post "fieldKey:answerKey"; all must be answers of one field. */
function readCondition(body: FormBody, errors: FieldError[]): FieldInput['condition'] {
  const picked = formList(body, 'condition')
    .map((v) => v.split(':'))
    .filter((parts) => parts.length === 2 && parts[0] && parts[1]);
  if (!picked.length) return null;
  const fields = new Set(picked.map(([field]) => field));
  if (fields.size > 1) {
    errors.push({ field: 'condition', code: 'condition_one_field' });
    return null;
  }
  return { field: picked[0][0], values: picked.map(([, value]) => value) };
}

/** What the builder's field page posts, read into the same input the API takes; unreadable numbers become errors. */
export function readFieldForm(body: FormBody, type: FieldTypeName): { input: FieldInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const settings = new Set(FIELD_TYPES[type].settings);
  const input: FieldInput = { type, label: formText(body, 'label'), help: formText(body, 'help') };
  if (settings.has('required')) input.required = formText(body, 'required') !== '';
  if (settings.has('placeholder')) input.placeholder = formText(body, 'placeholder');
  if (settings.has('length')) {
    input.minLength = numberField(body, 'minLength', errors, true);
    input.maxLength = numberField(body, 'maxLength', errors, true);
  }
  if (settings.has('range')) {
    input.min = numberField(body, 'min', errors, false);
    input.max = numberField(body, 'max', errors, false);
  }
  if (settings.has('selections')) {
    input.minSelections = numberField(body, 'minSelections', errors, true);
    input.maxSelections = numberField(body, 'maxSelections', errors, true);
  }
  if (settings.has('display')) input.display = formText(body, 'display') === 'select' ? 'select' : 'radio';
  if (settings.has('text')) input.text = formText(body, 'text');
  if (settings.has('ranks')) input.ranks = numberField(body, 'ranks', errors, true) ?? 1;
  if (settings.has('options')) input.options = readOptions(body);
  input.condition = readCondition(body, errors);
  return { input, errors };
}

/** Values to fill the field page with, from a saved field (or a new one's defaults). */
export function fieldFormValues(field: Partial<FormField>): Record<string, string | string[]> {
  const n = (value: number | undefined) => (value === undefined ? '' : String(value));
  const values: Record<string, string | string[]> = {
    label: field.label ?? '',
    help: field.help ?? '',
    placeholder: field.placeholder ?? '',
    required: field.required ? '1' : '',
    minLength: n(field.minLength),
    maxLength: n(field.maxLength),
    min: n(field.min),
    max: n(field.max),
    minSelections: n(field.minSelections),
    maxSelections: n(field.maxSelections),
    display: field.display ?? 'radio',
    text: field.text ?? '',
    ranks: n(field.ranks),
    condition: field.condition ? field.condition.values.map((v) => `${field.condition!.field}:${v}`) : [],
  };
  (field.options ?? []).forEach((option, i) => {
    values[`option.${i}.key`] = option.key;
    values[`option.${i}.label`] = option.label;
  });
  return values;
}

/** The option rows to draw: the posted (in their new order) or saved ones, then three blank rows for new options. */
export function optionRows(values: FormBody): { key: string; label: string }[] {
  const rows = readOptions(values).map((o) => ({ key: o.key ?? '', label: o.label }));
  return [...rows, { key: '', label: '' }, { key: '', label: '' }, { key: '', label: '' }];
}
