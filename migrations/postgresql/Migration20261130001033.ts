import { Migration } from '@mikro-orm/migrations';

export class Migration20261130001033 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "outbox_message" alter column "event_id" type int using ("event_id"::int);`);
    this.addSql(`alter table "outbox_message" alter column "event_id" drop not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "outbox_message" alter column "event_id" type int4 using ("event_id"::int4);`);
    this.addSql(`alter table "outbox_message" alter column "event_id" set not null;`);
  }
}
