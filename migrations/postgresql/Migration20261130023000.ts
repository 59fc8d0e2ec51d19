import { Migration } from '@mikro-orm/migrations';

export class Migration20261130023000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "registration" add column "invite_sequence" int not null default 0;');
    this.addSql('alter table "registration" add column "invited_group_id" int null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table "registration" drop column "invite_sequence";');
    this.addSql('alter table "registration" drop column "invited_group_id";');
  }
}
