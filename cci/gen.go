package cci

//go:generate go run ./internal/gen -in ../../shared/content/cci/U_CCI_List.xml -out table.go
