import { Migration } from '@mikro-orm/migrations';

export class Migration20261130023000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `registration` add column `invite_sequence` integer not null default 0;');
    this.addSql('alter table `registration` add column `invited_group_id` integer null;');
  }
}
