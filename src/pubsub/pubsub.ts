/** Publish/subscribe on named channels, across gateway instances when Redis backs it. Messages are strings. */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live; returns the function that ends it. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
}
