import { Migration } from '@mikro-orm/migrations';

export class Migration20261130022650 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`event\` add column \`reminder_days_before\` integer null default 2;`);
    this.addSql(`alter table \`event\` add column \`thank_you_text\` text not null default '';`);

    this.addSql(`alter table \`event_member\` add column \`notify\` text null;`);
  }
}
