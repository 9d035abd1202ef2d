import sys

from sampleweb.cli import main

sys.exit(main())
