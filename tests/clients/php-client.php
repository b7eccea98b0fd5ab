<?php
// PHP through the hook: 'odbc' (the odbc_* functions) or 'pdo' (PDO_ODBC)
// with a connection string, then $CL_QUERY. Prints 'row: ...' lines, or
// PHP's own error text.
$mode = $argv[1];
$cs = $argv[2];
$query = getenv('CL_QUERY');
if ($mode === 'odbc') {
	$conn = @odbc_connect($cs, '', '');
	if ($conn === false) {
		fwrite(STDERR, "connect failed: " . odbc_errormsg() . "\n");
		exit(1);
	}
	$res = @odbc_exec($conn, $query);
	if ($res === false) {
		fwrite(STDERR, "query failed: " . odbc_errormsg($conn) . "\n");
		exit(1);
	}
	while (odbc_fetch_row($res))
		echo odbc_result($res, 1), "\n";
	odbc_close($conn);
	exit(0);
}
try {
	$pdo = new PDO("odbc:$cs", null, null,
		[PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
	foreach ($pdo->query($query, PDO::FETCH_NUM) as $row)
		echo $row[0], "\n";
} catch (PDOException $e) {
	fwrite(STDERR, "pdo failed: " . $e->getMessage() . "\n");
	exit(1);
}
