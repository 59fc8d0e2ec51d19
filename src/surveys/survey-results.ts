import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import { storedAnswers } from '../forms/answers.js';
import { FIELD_TYPES } from '../forms/fields/index.js';
import type { ResolvedField } from '../forms/fields/field-type.js';
import type { StoredAnswer } from '../forms/form-definition.js';
import { type Translate, translator } from '../i18n/i18n.js';
import { largestRemainder } from '../reports/percentages.js';
import { SurveyInvitation } from './survey-invitation.entity.js';
import { SurveyResponse } from './survey-response.entity.js';
import { isAnonymous, loadSurvey } from './survey.service.js';

export interface ChoiceCount {
  key: string;
  label: string;
  count: number;
  /** Share of the people who answered the question, in whole percent (single choices add up to 100). */
  percent: number;
}

export interface QuestionResult {
  key: string;
  label: string;
  type: string;
  /** People who answered this question. */
  answers: number;
  /** Choice, multiple choice and yes/no questions: each answer counted. */
  choices: ChoiceCount[] | null;
  /** Other questions: every answer, as text. */
  texts: string[] | null;
}

export interface SurveyResults {
  anonymous: boolean;
  sent: number;
  answered: number;
  questions: QuestionResult[];
}

const CHOICE_TYPES = new Set(['choice', 'multiple', 'yesno']);

function choicesOf(field: ResolvedField, t: Translate): { key: string; label: string }[] {
  if (field.type === 'yesno')
    return [
      { key: 'yes', label: t('form.yes') },
      { key: 'no', label: t('form.no') },
    ];
  return (field.options ?? []).map((o) => ({ key: o.key, label: o.label }));
}

const chosenKeys = (answer: StoredAnswer): string[] =>
  answer.type === 'yesno' ? [answer.value === true ? 'yes' : 'no'] : [answer.value].flat().map(String);

function questionResult(field: ResolvedField, answers: StoredAnswer[], t: Translate, locale: string): QuestionResult {
  const base = { key: field.key, label: field.label, type: field.type, answers: answers.length };
  if (!CHOICE_TYPES.has(field.type))
    return { ...base, choices: null, texts: answers.map((a) => FIELD_TYPES[a.type].display(a, t, locale)) };
  const choices = choicesOf(field, t);
  // An option removed since people chose it keeps its count, under the label they saw.
  for (const answer of answers)
    for (const key of chosenKeys(answer))
      if (!choices.some((c) => c.key === key)) choices.push({ key, label: answer.options?.[key] ?? key });
  const counts = choices.map((c) => answers.filter((a) => chosenKeys(a).includes(c.key)).length);
  const percents =
    field.type === 'multiple'
      ? counts.map((n) => (answers.length ? Math.round((n * 100) / answers.length) : 0))
      : largestRemainder(counts);
  return { ...base, choices: choices.map((c, i) => ({ ...c, count: counts[i], percent: percents[i] })), texts: null };
}

/**
 * The survey's results: per question, each choice counted with its share, the other answers listed.
 * Answers are read in the order of their random ids, which says nothing of who or when.
 */
export async function surveyResults(
  em: EntityManager,
  event: Event,
  t: Translate = translator('fr'),
  locale = 'fr',
): Promise<SurveyResults> {
  const form = await loadSurvey(em, event, t);
  const responses = await em.find(SurveyResponse, { event: event.id }, { orderBy: { id: 'asc' } });
  const stored = responses.map((r) => storedAnswers(r.answers));
  const questions = form.fields
    .filter((f) => FIELD_TYPES[f.type].answers)
    .map((field) =>
      questionResult(
        field,
        stored.flatMap((s) => (s[field.key] ? [s[field.key]] : [])),
        t,
        locale,
      ),
    );
  return {
    anonymous: await isAnonymous(em, event.id),
    sent: await em.count(SurveyInvitation, { event: event.id }),
    answered: responses.length,
    questions,
  };
}
