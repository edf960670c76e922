//! Bad input and upstream errors, each answered in the front's error shape with its status.
