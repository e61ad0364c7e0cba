"""`e4j results`: what learners gained, from pre/post test exports, by sex and age band."""
