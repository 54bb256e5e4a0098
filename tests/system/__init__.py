"""The whole product: the command line, processes, SSH and the browser, the rooms' rules."""
