"""Work that spans the apps below: muscles, the reach-out list, a person's timeline, search
and merge, one module each."""
