"""The repayment account's bank statements: reading them (`parsers`), booking what they say
(`importer`), and the review queue for what could not be matched."""
