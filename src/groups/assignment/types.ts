/** Types of the breakout-group assignment: the public input and result, and the plan shared by its steps. */

export interface AssignmentGroup {
  id: number;
  /** null = unlimited */
  capacity: number | null;
}

export interface AssignmentPerson {
  id: number;
  structureType: string;
  /** The person's side (volet): their type's unless set otherwise; missing: one side for everybody. */
  side?: string;
  organisation: string;
  /** Group ids, first = first choice. */
  preferences?: number[];
  /** Current group. */
  groupId?: number | null;
  locked?: boolean;
}

export interface AssignmentInput {
  groups: AssignmentGroup[];
  people: AssignmentPerson[];
  mode: 'unassigned' | 'all';
  /** Order of the sides in the report (those not listed follow, by name). */
  sides?: string[];
}

export interface AssignmentProblem {
  code: string;
  params: Record<string, string | number>;
}

export interface AssignmentReport {
  /** type -> group id -> fair share (real number) */
  fairShare: Record<string, Record<number, number>>;
  /** type -> group id -> count after assignment */
  counts: Record<string, Record<number, number>>;
  /** max |count - fairShare| over all type/group */
  maxGap: number;
  /** side -> group id -> fair share, and count after assignment */
  sideFairShare: Record<string, Record<number, number>>;
  sideCounts: Record<string, Record<number, number>>;
  /** max |count - fairShare| over all side/group */
  maxSideGap: number;
  /** Groups (with people) holding nobody of a side that has placed people. */
  missingSides: { groupId: number; side: string }[];
  /**
   * Over placed people: first, second, other ranked choice, a group they did not rank; and people without
   * preferences.
   */
  preferences: { first: number; second: number; other: number; none: number; withoutPreferences: number };
  /** Person ids with no seat, ascending. */
  unplaced: number[];
  problems: AssignmentProblem[];
}

export interface AssignmentResult {
  /** person id -> group id (null = could not be placed) */
  assignments: Map<number, number | null>;
  report: AssignmentReport;
}

/** One person after normalisation; group references are indexes into SeatPlan.groupIds. */
export interface PlannedPerson {
  id: number;
  /** Index of the person's balance class: their structure type, split by side when a type's people differ. */
  type: number;
  /** Index of the normalised organisation, -1 when empty. */
  org: number;
  /** Ranked group indexes: known groups only, duplicates removed. */
  prefs: number[];
  /** Group index the person keeps (locked, or already placed in mode 'unassigned'), -1 if free. */
  fixedGroup: number;
  /** Whether the person gets a seat (always true for fixed people). */
  placed: boolean;
}

/** Everything decided before choosing who goes where: shared by assignGroups, the report and the baselines. */
export interface SeatPlan {
  groupIds: number[];
  /** Effective capacity per group index: max(capacity, fixed people), Infinity when unlimited. */
  capacity: number[];
  /** Target size s_g per group index. */
  size: number[];
  /**
   * Balance classes, most frequent first, then by key: one per structure type, or one per (type, side) for a type
   * whose people are on several sides (so that classes nest inside sides).
   */
  types: string[];
  /** Structure type of each class. */
  classType: string[];
  /** Side index of each class. */
  classSide: number[];
  /** Sides present, in the input's order, then by name. */
  sides: string[];
  /** Placed people per side index, and sideFairShare[s][g]. */
  placedPerSide: number[];
  sideFairShare: number[][];
  /** Sorted by id. */
  people: PlannedPerson[];
  /** P_t: placed people per type index. */
  placedPerType: number[];
  /** fairShare[t][g] */
  fairShare: number[][];
  problems: AssignmentProblem[];
}
