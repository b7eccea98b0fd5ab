# Perl DBI + DBD::ODBC through the hook: dbi:ODBC:<connection string>,
# then $CL_QUERY. Prints 'row: ...' lines, or DBI's own error text.
use strict;
use warnings;
use DBI;

my $dbh = DBI->connect("dbi:ODBC:$ARGV[0]", '', '',
	{ RaiseError => 0, PrintError => 0, AutoCommit => 1 })
	or die "connect failed: $DBI::errstr\n";
my $rows = $dbh->selectcol_arrayref($ENV{CL_QUERY})
	or die "query failed: " . $dbh->errstr . "\n";
# a DBD::ODBC built for Unicode gives characters, Debian's gives UTF-8 bytes
for my $row (@$rows) {
	utf8::encode($row) if utf8::is_utf8($row);
	print "$row\n";
}
$dbh->disconnect;
