import type { FieldError } from '../errors.js';
import type { Translate } from '../i18n/i18n.js';
import type { RenderContext, RenderData, ResolvedField } from './fields/field-type.js';
import { FIELD_TYPES } from './fields/index.js';
import type { ResolvedForm } from './resolve.js';

export interface FieldView {
  key: string;
  /** The control's id (or the fieldset's, for a group of choices): `field-<name>`. */
  id: string;
  label: string;
  help: string;
  /** "Only if you answered …": shown without JavaScript, where every field is on the page. */
  hint: string;
  required: boolean;
  error: string;
  /** Ids of the help, hint and error, for aria-describedby. */
  describedBy: string;
  /** For public/form-conditions.js: the field it depends on and the answers that show it. */
  conditionField: string;
  conditionValues: string;
  /** A group of controls (radio buttons, checkboxes, ranks) is a fieldset with a legend. */
  group: boolean;
  control: RenderData;
}

export interface SectionView {
  /** The built-in parts of the page (about you, structure type, consent) or an organiser's section. */
  builtIn: boolean;
  title: string;
  intro: string;
  fields: FieldView[];
}

export interface FormView {
  sections: SectionView[];
  /** The label of an error's field, for the error summary. */
  labelFor(name: string): string;
  /** The id an error summary links to. */
  anchorFor(name: string): string;
}

/** `field-<name>`; a rank "key.2" becomes "field-key--2" (custom keys never hold "--"). */
export function controlId(name: string): string {
  return `field-${name.replace(/\./g, '--')}`;
}

function asStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value])
    .filter((v) => ['string', 'number', 'boolean'].includes(typeof v))
    .map(String);
}

function quoted(t: Translate, text: string) {
  return t('form.quoted', { text });
}

/** The "only if" sentence of a conditional field. */
export function conditionHint(form: ResolvedForm, field: ResolvedField, t: Translate): string {
  const condition = field.condition;
  const trigger = condition && form.byKey.get(condition.field);
  if (!condition || !trigger) return '';
  const options = FIELD_TYPES[trigger.type].conditionOptions?.(trigger, t) ?? [];
  const answers = condition.values
    .map((v) => quoted(t, options.find((o) => o.key === v)?.label ?? v))
    .join(` ${t('form.or')} `);
  return t('form.conditionHint', { answers, field: quoted(t, trigger.label) });
}

/** Everything the registration form template needs, from the resolved form, the values to show and the errors. */
export function formView(
  form: ResolvedForm,
  values: Record<string, unknown>,
  errors: FieldError[],
  t: Translate,
): FormView {
  const errorFor = (name: string) => {
    const error = errors.find((e) => e.field === name);
    return error ? t(`errors.${error.code}`, error.params) : '';
  };
  const ctx: RenderContext = {
    t,
    value: (name) => asStrings(values[name])[0] ?? '',
    values: (name) => asStrings(values[name]),
    errorFor,
    id: controlId,
  };
  const view = (field: ResolvedField): FieldView => {
    const id = controlId(field.key);
    const control = FIELD_TYPES[field.type].render(field, ctx);
    const hint = conditionHint(form, field, t);
    // A rank's own error is shown beside its list; the field's error covers the others.
    const error = errorFor(field.key);
    const required = FIELD_TYPES[field.type].answers && !!field.required;
    return {
      key: field.key,
      id,
      label: field.label,
      help: field.help ?? '',
      hint,
      required,
      error,
      describedBy: [field.help ? `${id}-help` : '', hint ? `${id}-hint` : '', error ? `${id}-error` : '']
        .filter(Boolean)
        .join(' '),
      conditionField: field.condition?.field ?? '',
      conditionValues: field.condition?.values.join(' ') ?? '',
      group: ['radios', 'checkboxes', 'ranks'].includes(control.kind),
      control,
    };
  };
  const available = (field: ResolvedField) => FIELD_TYPES[field.type].available?.(field) ?? true;
  return {
    sections: form.sections.map((s) => ({
      builtIn: s.id === null,
      title: s.title,
      intro: s.intro,
      fields: s.fields.filter(available).map(view),
    })),
    labelFor: (name) => {
      const [key, part] = name.split('.');
      const field = form.byKey.get(key);
      if (!field) return name;
      return part && field.type === 'group_preference'
        ? `${field.label} (${t(`form.rank${Number(part) <= 3 ? part : 'N'}`, { n: part })})`
        : field.label;
    },
    anchorFor: controlId,
  };
}
