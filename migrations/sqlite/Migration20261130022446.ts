import { Migration } from '@mikro-orm/migrations';

export class Migration20261130022446 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`event\` add column \`sides\` json null;`);

    this.addSql(`alter table \`registration\` add column \`side\` text null;`);
  }
}
