import { MysqlStoreDialect } from '../mysql/mysql-dialect.js';

/**
 * MariaDB speaks the MySQL protocol and SQL we use (`INSERT IGNORE`, `VALUES()` in
 * `ON DUPLICATE KEY UPDATE`, `GREATEST`); it differs only in name today.
 */
export class MariadbStoreDialect extends MysqlStoreDialect {
  override readonly name = 'mariadb';
}
