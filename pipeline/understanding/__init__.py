"""Understanding the minutes: who spoke, questions and answers, topics, decisions."""
