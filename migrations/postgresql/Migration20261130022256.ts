import { Migration } from '@mikro-orm/migrations';

export class Migration20261130022256 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "registration" add column "consent_recorded_by" varchar(200) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "registration" drop column "consent_recorded_by";`);
  }
}
