import { Migration } from '@mikro-orm/migrations';

export class Migration20261130022449 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "event" add column "sides" jsonb null;`);

    this.addSql(`alter table "registration" add column "side" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "event" drop column "sides";`);

    this.addSql(`alter table "registration" drop column "side";`);
  }
}
