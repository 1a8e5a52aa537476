export const DECISION_COLOURS = { allow: "#7fb77e", challenge: "#e9c46a", review: "#f4a261", deny: "#d1495b" } as const;
