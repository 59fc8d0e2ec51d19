import { storedAnswers } from './answers.js';
import { type FormDefinition, customFields } from './form-definition.js';

/**
 * The side (volet) a registration's answers choose through the form's "Votre domaine d'intervention" question, or
 * null when the form has no such question or it was left blank. Registering sets it as the person's side.
 */
export function sideFromAnswers(
  form: FormDefinition,
  answers: Record<string, unknown> | null | undefined,
): string | null {
  const field = customFields(form).find((f) => f.type === 'side');
  if (!field) return null;
  const answer = storedAnswers(answers)[field.key];
  return answer?.type === 'side' && typeof answer.value === 'string' && answer.value ? answer.value : null;
}

/**
 * The person's side after they (or an organiser) change their answers: a new answer to the side question sets it; an
 * answer taken back gives them their type's side again, unless an organiser had set another one meanwhile; an
 * unchanged answer leaves whatever side they have (an organiser's choice included).
 */
export function sideAfterChange(
  form: FormDefinition,
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  current: string | null,
): string | null {
  const was = sideFromAnswers(form, before);
  const now = sideFromAnswers(form, after);
  if (now === was) return current;
  if (now !== null) return now;
  return current === was ? null : current;
}
