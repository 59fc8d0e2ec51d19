import { Migration } from '@mikro-orm/migrations';

export class Migration20261130031000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "event" add column "partner_origins" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "event" drop column "partner_origins";`);
  }
}
