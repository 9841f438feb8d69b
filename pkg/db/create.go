package db

import (
	"fmt"
	"regexp"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// databaseName is what CreateDatabase accepts: a DDL statement cannot take
// the name as a parameter, so it is checked instead.
var databaseName = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

// CreateDatabase creates the database name on the MySQL server of dsn
// (whatever database dsn names) and returns a DSN for it and a function
// that drops it, for tests and load tests that each work in a database of
// their own.
func CreateDatabase(dsn, name string) (string, func(), error) {
	if !databaseName.MatchString(name) {
		return "", nil, fmt.Errorf("database name %q: letters, digits and _ only", name)
	}
	parsed, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		return "", nil, err
	}
	parsed.DBName = ""
	admin, err := OpenPool(parsed.FormatDSN(), "", Pool{MaxOpen: 2, MaxIdle: 1, Untraced: true}) // never part of a trace under test
	if err != nil {
		return "", nil, fmt.Errorf("connect to mysql: %w", err)
	}
	if err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		_ = Close(admin)
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	drop := func() {
		_ = admin.Exec("DROP DATABASE IF EXISTS `" + name + "`").Error
		_ = Close(admin)
	}
	parsed.DBName = name
	return parsed.FormatDSN(), drop, nil
}
