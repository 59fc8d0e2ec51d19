import { storedAnswers } from './answers.js';
import { type FormDefinition, customFields } from './form-definition.js';

/**
 * The breakout groups a registration asked for, as session ids, first choice first; [] when the form
 * has no group preference question or the person did not answer it. For the group assignment:
 * `groupPreferences(await loadDefinition(em, event), registration.answers)`.
 */
export function groupPreferences(form: FormDefinition, answers: Record<string, unknown> | null | undefined): number[] {
  const field = customFields(form).find((f) => f.type === 'group_preference');
  if (!field) return [];
  const answer = storedAnswers(answers)[field.key];
  if (answer?.type !== 'group_preference' || !Array.isArray(answer.value)) return [];
  return answer.value.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
}
