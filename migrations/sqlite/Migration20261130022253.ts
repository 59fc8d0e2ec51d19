import { Migration } from '@mikro-orm/migrations';

export class Migration20261130022253 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`registration\` add column \`consent_recorded_by\` text null;`);
  }
}
