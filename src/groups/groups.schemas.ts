import { Type } from 'typebox';

const Change = Type.Object({
  key: Type.String(),
  label: Type.String(),
  before: Type.Integer(),
  after: Type.Integer(),
  fairShare: Type.Number(),
});

const Effect = Type.Object({
  groupId: Type.Integer(),
  title: Type.String(),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  members: Type.Object({ before: Type.Integer(), after: Type.Integer() }),
  sides: Type.Array(Change),
  types: Type.Array(Change),
  lostSides: Type.Array(Type.String(), { description: 'Sides the group would hold nobody of any more' }),
  gainedSides: Type.Array(Type.String(), { description: 'Sides the group would hold someone of again' }),
});

/** What a hand move would do (src/groups/move-preview.ts), as `PUT /api/v1/registrations/:id/group?dryRun=true` gives it. */
export const MovePreviewSchema = Type.Object(
  {
    registrationId: Type.Integer(),
    name: Type.String(),
    structureType: Type.String(),
    side: Type.String(),
    fromGroupId: Type.Union([Type.Integer(), Type.Null()]),
    toGroupId: Type.Union([Type.Integer(), Type.Null()]),
    from: Type.Union([Effect, Type.Null()]),
    to: Type.Union([Effect, Type.Null()]),
    maxGap: Type.Object({ before: Type.Number(), after: Type.Number() }),
    maxSideGap: Type.Object({ before: Type.Number(), after: Type.Number() }),
    full: Type.Boolean({ description: 'The target group has no seat left: the move would be refused' }),
  },
  { description: 'A move not made: both groups by side and by type, before and after, and both overall balances' },
);
