"""The only door for the command line and the interface: the desk service over storage and
the domain."""
