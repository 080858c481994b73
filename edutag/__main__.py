from edutag.cli import main

main()
