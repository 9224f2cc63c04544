from ccl.cli import main

raise SystemExit(main())
