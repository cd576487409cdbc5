/** The SQL engines a drill's checks speak: Aurora/RDS PostgreSQL and Aurora/RDS MySQL. */
export type SqlDialect = 'postgres' | 'mysql';
