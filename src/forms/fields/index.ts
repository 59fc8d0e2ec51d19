import type { FieldTypeName } from '../form-definition.js';
import { consent } from './consent.js';
import { date } from './date.js';
import { email } from './email.js';
import type { FieldType } from './field-type.js';
import { groupPreference } from './group-preference.js';
import { information } from './information.js';
import { longText } from './long-text.js';
import { multipleChoice } from './multiple-choice.js';
import { number } from './number.js';
import { phone } from './phone.js';
import { shortText } from './short-text.js';
import { sideChoice } from './side.js';
import { singleChoice } from './single-choice.js';
import { yesNo } from './yes-no.js';

/** Every field type, in the order the builder offers them. */
export const FIELD_TYPES: Record<FieldTypeName, FieldType> = {
  text: shortText,
  textarea: longText,
  email,
  phone,
  number,
  date,
  choice: singleChoice,
  multiple: multipleChoice,
  yesno: yesNo,
  consent,
  info: information,
  group_preference: groupPreference,
  side: sideChoice,
};

export function fieldType(name: FieldTypeName): FieldType {
  return FIELD_TYPES[name];
}

export type { FieldType, ResolvedField, RenderData, Problem } from './field-type.js';
