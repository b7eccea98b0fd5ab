# Tcl's tdbc::odbc through the hook: a connection string, then $CL_QUERY.
# Prints 'row: ...' lines, or tdbc's own error text.
package require tdbc::odbc
fconfigure stdout -encoding utf-8
if {[catch {tdbc::odbc::connection create db [lindex $argv 0]} err]} {
	puts stderr "connect failed: $err"
	exit 1
}
if {[catch {db foreach -as lists row $env(CL_QUERY) {
	puts [lindex $row 0]
}} err]} {
	puts stderr "query failed: $err"
	exit 1
}
db close
