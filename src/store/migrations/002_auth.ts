import type { Kysely } from 'kysely';
import type { DialectName } from '../connect.ts';

export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const serial = dialect === 'postgres' ? 'serial' : 'integer';
  const auto = (c: any) => {
    c = c.primaryKey();
    if (dialect === 'sqlite') return c.autoIncrement();
    if (dialect === 'mysql') return c.autoIncrement();
    return c;
  };
  await db.schema
    .createTable('flowlane_user')
    .addColumn('id', serial, auto)
    .addColumn('username', 'varchar(150)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(255)')
    .addColumn('first_name', 'varchar(150)', (c) => c.notNull().defaultTo(''))
    .addColumn('last_name', 'varchar(150)', (c) => c.notNull().defaultTo(''))
    .addColumn('email', 'varchar(254)', (c) => c.notNull().defaultTo(''))
    .addColumn('is_superuser', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('flowlane_group')
    .addColumn('id', serial, auto)
    .addColumn('name', 'varchar(150)', (c) => c.notNull().unique())
    .execute();
  await db.schema
    .createTable('flowlane_permission')
    .addColumn('id', serial, auto)
    .addColumn('codename', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('flowlane_user_group')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('flowlane_user.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('flowlane_group.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('flowlane_user_group_pk', ['user_id', 'group_id'])
    .execute();
  await db.schema
    .createTable('flowlane_user_permission')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('flowlane_user.id').onDelete('cascade'))
    .addColumn('permission_id', 'integer', (c) => c.notNull().references('flowlane_permission.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('flowlane_user_permission_pk', ['user_id', 'permission_id'])
    .execute();
  await db.schema
    .createTable('flowlane_group_permission')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('flowlane_group.id').onDelete('cascade'))
    .addColumn('permission_id', 'integer', (c) => c.notNull().references('flowlane_permission.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('flowlane_group_permission_pk', ['group_id', 'permission_id'])
    .execute();
  await db.schema
    .createTable('flowlane_session')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('flowlane_user.id').onDelete('cascade'))
    .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('expires', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('flowlane_session_expires').on('flowlane_session').column('expires').execute();
}
