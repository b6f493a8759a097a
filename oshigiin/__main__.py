from oshigiin.cli import main

main()
