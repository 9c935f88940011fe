package web

import (
	"io/fs"
	"strings"
	"testing"
)

func TestFSHoldsTheBuildFolder(t *testing.T) {
	tests := []struct {
		name, file, contains string
	}{
		{"committed readme at the root", "README.txt", "built by make web"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := fs.ReadFile(FS(), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tc.contains) {
				t.Fatalf("%s = %q, want it to contain %q", tc.file, b, tc.contains)
			}
		})
	}
	t.Run("no dist prefix", func(t *testing.T) {
		if _, err := fs.Stat(FS(), "dist"); err == nil {
			t.Fatal("FS() is not rooted at the build folder: it holds dist/")
		}
	})
}
