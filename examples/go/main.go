// Command hello greets whoever is named on the command line.
package main

import (
	"fmt"
	"os"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	fmt.Println(greeting(os.Args[1:]))
}

func greeting(names []string) string {
	who := "nobody"
	if len(names) > 0 {
		who = strings.Join(names, ", ")
	}
	return fmt.Sprintf("hello %s (hello %s)", who, version)
}
