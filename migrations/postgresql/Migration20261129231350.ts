import { Migration } from '@mikro-orm/migrations';

export class Migration20261129231350 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "organiser" add column "session_generation" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "organiser" drop column "session_generation";`);
  }
}
