# libtokenpass-odbc.so: the ODBC connection hook (plugin/).
