//! Custom policies: declarative rules written in the configuration file.
