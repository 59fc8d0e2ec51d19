import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { memberEventIds, roleAllows, roleOn } from '../access/access.service.js';
import { Event } from '../events/event.entity.js';
import { AppError, ValidationError } from '../errors.js';
import { type Translate, translator } from '../i18n/i18n.js';
import { type FormDefinition, type FormKind, customFields, emptyDefinition } from './form-definition.js';
import { type DefinitionInput, checkDefinition, normaliseDefinition } from './form-rules.js';
import { RegistrationForm } from './registration-form.entity.js';
import { type ResolveOptions, type ResolvedForm, resolveForm } from './resolve.js';
import { SurveyForm } from './survey-form.entity.js';

/** The event's programme is needed to resolve the form (breakout groups of a group preference). */
export async function ensureSessions(event: Event): Promise<void> {
  if (!event.sessions.isInitialized()) await event.sessions.init();
}

/** The registration form's row, or the survey's: both keep a definition and its retired keys. */
async function formOf(
  em: EntityManager,
  eventId: number,
  kind: FormKind = 'registration',
): Promise<RegistrationForm | SurveyForm | null> {
  return kind === 'survey'
    ? em.findOne(SurveyForm, { event: eventId })
    : em.findOne(RegistrationForm, { event: eventId });
}

/** The event's form definition; the built-in fields only (no question) when the organiser has not designed one. */
export async function loadDefinition(
  em: EntityManager,
  event: Event | number,
  kind: FormKind = 'registration',
): Promise<FormDefinition> {
  const form = await formOf(em, typeof event === 'number' ? event : event.id, kind);
  return form ? structuredClone(form.definition) : emptyDefinition();
}

/** The form ready to draw and check, its built-in labels in the reader's language. */
export async function loadResolvedForm(
  em: EntityManager,
  event: Event,
  t: Translate = translator('fr'),
  options: ResolveOptions = {},
): Promise<ResolvedForm> {
  await ensureSessions(event);
  return resolveForm(await loadDefinition(em, event), event, t, 'registration', options);
}

/**
 * Saves a whole definition, from the builder or the API: tidied, checked against every rule, then
 * stored, or refused with the reasons and nothing changed. Keys of removed fields are retired, so a
 * later field never takes the key under which old answers are kept.
 */
export async function saveDefinition(
  em: EntityManager,
  event: Event,
  input: DefinitionInput,
  kind: FormKind = 'registration',
): Promise<FormDefinition> {
  await ensureSessions(event);
  const form = await formOf(em, event.id, kind);
  const previous = form?.definition ?? emptyDefinition();
  const previousKeys = customFields(previous).map((f) => f.key);
  const retired = new Set(form?.retiredKeys ?? []);
  const definition = normaliseDefinition(input, [...retired, ...previousKeys]);
  const errors = checkDefinition(definition, event, { previous, kind });
  if (errors.length) throw new ValidationError(errors);
  const keys = new Set(customFields(definition).map((f) => f.key));
  for (const key of previousKeys) if (!keys.has(key)) retired.add(key);
  for (const key of keys) retired.delete(key);
  const now = new Date();
  if (form) {
    form.definition = definition;
    form.retiredKeys = [...retired];
    form.updatedAt = now;
  } else {
    const row = { event: em.getReference(Event, event.id), definition, retiredKeys: [...retired] };
    if (kind === 'survey') em.create(SurveyForm, { ...row, anonymous: true, createdAt: now, updatedAt: now });
    else em.create(RegistrationForm, { ...row, createdAt: now, updatedAt: now });
  }
  try {
    await em.flush();
  } catch (error) {
    // Two first saves of the same event's form at the same instant: the database keeps one.
    if (error instanceof UniqueConstraintViolationException) throw new AppError('form_changed');
    throw error;
  }
  return structuredClone(definition);
}

/** Applies one builder change to the saved definition and saves the result if it is sound. */
export async function changeDefinition(
  em: EntityManager,
  event: Event,
  change: (definition: FormDefinition) => DefinitionInput,
  kind: FormKind = 'registration',
): Promise<FormDefinition> {
  return saveDefinition(em, event, change(await loadDefinition(em, event, kind)), kind);
}

/**
 * Another event's form, for the copy page: the workshop is annual. Only from an event the organiser
 * is on the team of (any role): someone else's event answers as an unknown one, a 404.
 */
export async function copyForm(
  em: EntityManager,
  target: Event,
  sourceId: number,
  organiserId: number,
): Promise<FormDefinition> {
  if (sourceId === target.id) throw new ValidationError([{ field: 'from', code: 'copy_same_event' }]);
  if (!Number.isSafeInteger(sourceId)) throw new ValidationError([{ field: 'from', code: 'choice' }]);
  const source = roleAllows(await roleOn(em, organiserId, sourceId), 'viewer')
    ? await em.findOne(Event, { id: sourceId })
    : null;
  if (!source) throw new AppError('not_found', [{ field: 'from', code: 'choice' }]);
  const definition = await loadDefinition(em, source);
  return saveDefinition(em, target, definition);
}

/**
 * Events whose form this organiser can copy into `event`: the others they are on the team of (any
 * role) that have a designed form, latest first.
 */
export async function copySources(em: EntityManager, event: Event, organiserId: number): Promise<Event[]> {
  const mine = (await memberEventIds(em, organiserId)).filter((id) => id !== event.id);
  if (mine.length === 0) return [];
  const forms = await em.find(
    RegistrationForm,
    { event: { $in: mine } },
    { populate: ['event'], orderBy: { event: { startsAt: 'desc' } } },
  );
  return forms
    .filter((f) => f.definition.sections.length || Object.keys(f.definition.builtIns).length)
    .map((f) => f.event);
}

/**
 * The form of `sourceId` (sections, questions, conditions, built-in labels) and its survey as `target`'s,
 * without flushing, for a new edition. Retired keys stay behind: the new event has no old answers.
 */
export async function persistFormCopy(em: EntityManager, sourceId: number, target: Event): Promise<void> {
  const now = new Date();
  const form = await formOf(em, sourceId);
  if (form)
    em.create(RegistrationForm, {
      event: target,
      definition: structuredClone(form.definition),
      retiredKeys: [],
      createdAt: now,
      updatedAt: now,
    });
  // The satisfaction survey comes along too (its questions and anonymity); never its sending or answers.
  const survey = await em.findOne(SurveyForm, { event: sourceId });
  if (survey)
    em.create(SurveyForm, {
      event: target,
      definition: structuredClone(survey.definition),
      retiredKeys: [],
      anonymous: survey.anonymous,
      createdAt: now,
      updatedAt: now,
    });
}
