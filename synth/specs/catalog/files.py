"""Files: a stateful virtual file system (paths are POSIX-style, rooted at '/').

Every tool has an executor ("files.*"); the MCP server keeps an in-memory tree per episode.
"""

from ..dsl import A, B, DT, E, I, O, S, tool

DOMAIN = "files"

PATH = S("Absolute or relative POSIX path", min_len=1)
ENTRY = O(name=S(), path=S(), kind=E("file directory"), size_bytes=I(lo=0), modified=DT())

TOOLS = [
    tool("vfs_directory_listing", "List the entries of a directory.",
         {"path": S("Directory to list", default="."), "include_hidden": B("Show dot-files", default=False),
          "sort_by": E("name size modified", "Ordering", default="name"),
          "recursive": B("Descend into subdirectories", default=False)},
         returns=O(path=S(), entries=A(ENTRY)), executor="files.list"),
    tool("vfs_read_text", "Read a text file, optionally only a range of lines.",
         {"path": PATH, "start_line": I("First line, 1-based", default=1, lo=1),
          "max_lines": I("How many lines at most", opt=True, lo=1)},
         returns=O(path=S(), content=S(), total_lines=I()), executor="files.read"),
    tool("vfs_write_text", "Write text to a file, replacing it, appending or refusing to overwrite.",
         {"path": PATH, "content": S("Text to write"),
          "mode": E("overwrite append create_only", "What to do when the file exists", default="overwrite")},
         returns=O(path=S(), size_bytes=I()), executor="files.write"),
    tool("vfs_make_folder", "Create a directory.",
         {"path": PATH, "parents": B("Create missing parent directories too", default=True)},
         returns=O(path=S(), created=B()), executor="files.mkdir"),
    tool("vfs_relocate", "Move or rename a file or directory.",
         {"source": PATH, "destination": PATH, "overwrite": B("Replace an existing destination", default=False)},
         returns=O(source=S(), destination=S()), executor="files.move"),
    tool("vfs_duplicate", "Copy a file or directory tree.",
         {"source": PATH, "destination": PATH, "overwrite": B("Replace an existing destination", default=False)},
         returns=O(source=S(), destination=S(), copied_files=I()), executor="files.copy"),
    tool("vfs_remove", "Delete a file, or a directory when recursive is set.",
         {"path": PATH, "recursive": B("Allow deleting non-empty directories", default=False)},
         returns=O(path=S(), deleted=I()), executor="files.delete"),
    tool("vfs_find_by_name", "Find files whose name matches a glob pattern under a directory.",
         {"pattern": S("Glob such as '*.csv' or 'report_??.txt'", min_len=1), "root": S("Where to start", default="."),
          "kind": E("any file directory", "Entry kind to return", default="any"),
          "max_results": I("Stop after this many matches", default=50, lo=1, hi=1000)},
         returns=O(matches=A(S())), executor="files.find"),
    tool("vfs_search_text", "Search file contents for a literal string or regular expression.",
         {"query": S("Text or regex to find", min_len=1), "root": S("Directory to search", default="."),
          "regex": B("Treat the query as a regular expression", default=False),
          "case_sensitive": B("Match case exactly", default=False),
          "file_glob": S("Only search files matching this glob", default="*")},
         returns=O(hits=A(O(path=S(), line=I(), text=S()))), executor="files.grep"),
    tool("vfs_path_info", "Size, kind and timestamps of a path.",
         {"path": PATH},
         returns=ENTRY, executor="files.stat"),
    tool("vfs_line_count", "Count lines, words and bytes of a text file.",
         {"path": PATH},
         returns=O(lines=I(), words=I(), bytes=I()), executor="files.count"),
    tool("vfs_compare_texts", "Line-by-line differences between two text files, in unified form.",
         {"first": PATH, "second": PATH, "context_lines": I("Unchanged lines around each change", default=3, lo=0, hi=20)},
         returns=O(identical=B(), diff=S()), executor="files.diff"),
    tool("vfs_working_dir", "Change the working directory used to resolve relative paths.",
         {"path": PATH},
         returns=O(cwd=S()), executor="files.chdir"),
]
