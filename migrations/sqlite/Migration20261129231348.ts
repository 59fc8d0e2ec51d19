import { Migration } from '@mikro-orm/migrations';

export class Migration20261129231348 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`organiser\` add column \`session_generation\` integer not null default 0;`);
  }
}
