import { Migration } from '@mikro-orm/migrations';

export class Migration20261130022652 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "event" add column "reminder_days_before" int null default 2, add column "thank_you_text" text not null default '';`,
    );

    this.addSql(`alter table "event_member" add column "notify" varchar(16) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "event" drop column "reminder_days_before", drop column "thank_you_text";`);

    this.addSql(`alter table "event_member" drop column "notify";`);
  }
}
